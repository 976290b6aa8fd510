// Decides, once per jest run, where the real RabbitMQ, PostgreSQL and Redis for integration tests
// come from: containers when a container runtime exists (testcontainers), else the local services
// named by CRM_AMQP_URL / CRM_TEST_PG_URL / CRM_TEST_REDIS_URL (defaults: this machine kind's services). It prints which, and
// exports the choice through process.env so that test workers (started after this) see it.
const { randomBytes } = require('node:crypto');

const LOCAL_AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/test';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

async function containerRuntimeAvailable() {
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch (error) {
    return false;
  }
}

module.exports = async function globalSetup() {
  if (process.env.CRM_TEST_ENV_READY) return;
  process.env.CRM_TEST_RUN_ID ??= randomBytes(4).toString('hex');
  const started = [];
  if (!process.env.CRM_AMQP_URL && !process.env.CRM_TEST_PG_URL && (await containerRuntimeAvailable())) {
    const { RabbitMQContainer } = require('@testcontainers/rabbitmq');
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    const { MSSQLServerContainer } = require('@testcontainers/mssqlserver');
    const { GenericContainer, Wait } = require('testcontainers');
    const [rabbit, pg, mssql, redis] = await Promise.all([
      new RabbitMQContainer('rabbitmq:3.13-alpine').start(),
      new PostgreSqlContainer('postgres:16-alpine').start(),
      new MSSQLServerContainer('mcr.microsoft.com/mssql/server:2022-latest').acceptLicense().start(),
      new GenericContainer('redis:7-alpine').withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage('Ready to accept connections')).start(),
    ]);
    started.push(rabbit, pg, mssql, redis);
    process.env.CRM_TEST_REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
    process.env.CRM_AMQP_URL = rabbit.getAmqpUrl();
    process.env.CRM_TEST_PG_URL = pg.getConnectionUri();
    process.env.CRM_TEST_MSSQL_URL =
      `mssql://${mssql.getUsername()}:${encodeURIComponent(mssql.getPassword())}@${mssql.getHost()}:${mssql.getPort()}/${mssql.getDatabase()}`;
    console.log(`\n[crm tests] container runtime found: RabbitMQ, PostgreSQL, SQL Server and Redis run in testcontainers`);
  } else {
    process.env.CRM_AMQP_URL ??= LOCAL_AMQP;
    process.env.CRM_TEST_PG_URL ??= LOCAL_PG;
    process.env.CRM_TEST_REDIS_URL ??= LOCAL_REDIS;
    console.log(
      `\n[crm tests] no container runtime: using local services RabbitMQ ${redact(process.env.CRM_AMQP_URL)}` +
        `, PostgreSQL ${redact(process.env.CRM_TEST_PG_URL)} and Redis ${redact(process.env.CRM_TEST_REDIS_URL)}; run id ${process.env.CRM_TEST_RUN_ID}` +
        (process.env.CRM_TEST_MSSQL_URL ? '' : '\n[crm tests] no SQL Server (needs a container runtime or CRM_TEST_MSSQL_URL): tests against a live SQL Server are skipped'),
    );
  }
  process.env.CRM_TEST_ENV_READY = '1';
  globalThis.__CRM_CONTAINERS__ = started;
};

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
