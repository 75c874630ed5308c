// The fake Slack of the tests is the simulated Slack Web API that `awoooi demo --slack` also uses.
export { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall, type FakeSlackMessage } from '../../adapters/slack/simulated-slack-api.ts';
