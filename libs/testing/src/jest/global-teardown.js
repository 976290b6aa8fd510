module.exports = async function globalTeardown() {
  for (const container of globalThis.__CRM_CONTAINERS__ ?? []) await container.stop();
};
