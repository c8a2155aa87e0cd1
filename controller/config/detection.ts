import { z } from 'zod';
import { duration } from '../../kernel/duration.js';
import { ratio } from './fields.js';

/** The `probe` and `detection` sections: how vantage points probe, and how evidence is judged. */

export const probe = z
  .strictObject({
    interval: duration({ min: 100 }).default(1000),
    timeout: duration({ min: 50 }).default(800),
    /** A successful probe slower than this counts as a latency failure. */
    latencyBudget: duration({ min: 1 }).default(500),
    /**
     * The observer's own delay (event-loop lag, probe dispatched late, deadline fired late) beyond
     * which its timeouts and slow answers are `unknown`: a starved observer, not a failing target.
     */
    starvedAfter: duration({ min: 10 }).default(100),
  })
  .prefault({});

/**
 * The cost-aware decision (domain/cost.ts), in outage-seconds: staying accrues cost at a rate set
 * by how hard and broad the evidence is; a failover happens once that exceeds what moving costs.
 */
const cost = z
  .strictObject({
    /** What a failover costs: pages, clients reconnecting, the plan's own disruption. */
    failover: z.number().min(0).default(11),
    /** What losing a whole RPO budget of writes costs; scaled by the target's lag / failover.rpoBudget. */
    dataLoss: z.number().min(0).default(20),
    /** What spending the flip budget costs (no flip left for the next outage); scaled by flips used / failover.maxFlips. */
    cooldown: z.number().min(0).default(12),
    /** Per second of the app failing with HTTP errors or slow answers (soft evidence). */
    appErrors: z.number().min(0).default(1),
    /** Per second of the app not answering at all (refused, reset, timed out) from the failing vantage points. */
    appUnreachable: z.number().min(0).default(1),
    /** Added per second while Route 53's checkers (the internet) see the app failing too. */
    internet: z.number().min(0).default(0.8),
    /** Added per second while the region's database writer (its RDS API or cluster) does not answer. */
    writer: z.number().min(0).default(15),
    /** Added per second while replication from the region has stalled. */
    replication: z.number().min(0).default(6),
    /** How fast accrued cost fades once the region looks healthy again (per second; kept while it is degraded). */
    fade: z.number().min(0).default(1),
  })
  .prefault({});

export const detection = z
  .strictObject({
    /** Sliding window of observations kept per (region, service, vantage point, signal). */
    window: duration({ min: 1000 }).default(5000),
    /** A longer window for failure ratios: enough samples that a gray failure's rate is known, not guessed. */
    ratioWindow: duration({ min: 1000 }).default(30_000),
    /**
     * Confidence of window verdicts, in standard deviations (Wilson score interval): a series is
     * failed when even the lower bound of its failure share reaches failureRatio.
     */
    confidence: z.number().min(0).max(4).default(1.28),
    /** Fewer samples than this in a window means the vantage point has no opinion (unknown). */
    minSamples: z.number().int().min(1).default(3),
    /** Share of failed samples in the window at which a vantage point calls a service failed. */
    failureRatio: ratio.default(0.5),
    /** Share at which it calls the service degraded. */
    degradedRatio: ratio.default(0.2),
    /** Vantage points that must agree before a region is judged failed (counted over vantage points, never samples). */
    quorum: z.number().int().min(1).default(2),
    /** How long a regional outage must be seen continuously before an automatic failover. */
    confirmFor: duration().default(0),
    /** Observations older than this are ignored: a silent signal is unknown, never failed. */
    staleAfter: duration({ min: 1000 }).default(6000),
    /**
     * How long the writer's own region has to answer a read of its cluster before the read counts
     * as the writer not answering. Reads start every probe.interval and may overlap, so a region
     * that hangs shows within this plus two intervals, as one that refuses does.
     */
    writerTimeout: duration({ min: 100 }).default(1600),
    /** Replication from a writer has stalled when every secondary's lag exceeds this (healthy lag is under a second). */
    replicationStall: duration({ min: 100 }).default(3000),
    cost,
  })
  .prefault({});
