// Settings every AWS API client of ours shares (CloudTrail, Athena, STS, Organizations, EC2): the
// SDK's default credential chain, bounded connect and idle-socket times so a silent endpoint can
// never stall a run, and the standard retry mode (per call, jittered; never a client-wide limiter).
export const API_CONNECT_TIMEOUT_MS = 10_000;
export const API_SOCKET_TIMEOUT_MS = 60_000;

export function apiClientOptions() {
  return {
    retryMode: 'standard' as const,
    requestHandler: {
      connectionTimeout: API_CONNECT_TIMEOUT_MS,
      socketTimeout: API_SOCKET_TIMEOUT_MS,
    },
  };
}
