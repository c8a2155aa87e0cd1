import { patroniLike } from './patroni-like.js';
import { asBaseline, type Baseline } from './policy.js';
import { route53Fast, route53Standard } from './route53-failover.js';

/** Every baseline the benchmark compares the engine with. */
export const BASELINES: readonly Baseline[] = [asBaseline(route53Standard), asBaseline(route53Fast), asBaseline(patroniLike)];
