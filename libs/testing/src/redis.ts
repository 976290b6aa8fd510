/** The Redis the jest global setup chose for this run (a container, or CRM_TEST_REDIS_URL / the local one). */
export function testRedisUrl(): string {
  const url = process.env.CRM_TEST_REDIS_URL;
  if (!url) throw new Error('CRM_TEST_REDIS_URL is not set: run tests through jest with the shared preset');
  return url;
}
