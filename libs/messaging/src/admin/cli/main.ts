import { run } from './run';

// `npm run messaging -- <command>`: dead letters and topology of the CRM's RabbitMQ (see ../README.md).
run(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }).then((status) => {
  process.exitCode = status;
});
