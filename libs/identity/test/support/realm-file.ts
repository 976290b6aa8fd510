import { join } from 'node:path';

/** The realm export kept in deploy/: the very file a real Keycloak imports. */
export const REALM_FILE = join(__dirname, '../../../../deploy/keycloak/realm-crm.json');

export const DEMO_USER_IDS = {
  admin: '9bc9bf69-e2f8-4129-a1e7-e411e0ea3567',
  supervisor: '8d2dccf1-e3e2-4c08-9d5e-7f9468fec5b0',
  manager1: 'd2632004-dc7f-409e-a34f-dcd54984c16f',
  manager2: '08e0e26a-8462-4330-8199-eb23761aea86',
  executive: '7f60588d-295f-47ea-bcc4-685357800e77',
  manager3: 'dba70cff-8700-4aba-b738-b653f6af9b45',
} as const;
