/** The account id of every ARN a synth mocks (its own module, so reading it does not load Pulumi). */
export const MOCK_ACCOUNT = '123456789012';
