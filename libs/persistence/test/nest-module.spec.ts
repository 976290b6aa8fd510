import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager, EntityRepository } from '@mikro-orm/core';
import { InjectRepository } from '@mikro-orm/nestjs';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { initOrm, PersistenceHealth, PersistenceModule, runMigrations, type ServiceOrmInput } from '../src';
import { Note } from './fixtures/notebook/notebook.entities';
import { notebook } from './fixtures/services';

@Controller('notes')
class NotesController {
  constructor(
    // The global EntityManager: usable only inside the per-request context the module registers.
    private readonly em: EntityManager,
    @InjectRepository(Note) private readonly notes: EntityRepository<Note>,
    private readonly health: PersistenceHealth,
  ) {}

  @Post()
  async create(@Body() body: { title: string; body: string; tags?: string[] }) {
    const note = new Note(body.title, body.body);
    note.tags = body.tags ?? null;
    await this.em.persist(note).flush();
    return { id: note.id };
  }

  @Get('ready')
  ready() {
    return this.health.ping();
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const note = await this.notes.findOneOrFail(id);
    return { title: note.title, tags: note.tags, sameInstance: note === (await this.em.findOne(Note, id)) };
  }
}

async function startApp(input: ServiceOrmInput, registerRequestContext?: boolean): Promise<NestFastifyApplication> {
  @Module({ imports: [PersistenceModule.forService({ ...input, registerRequestContext })], controllers: [NotesController] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('PersistenceModule with the Fastify adapter', () => {
  let dir: string;
  let input: ServiceOrmInput;
  let app: NestFastifyApplication | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-persistence-nest-'));
    input = notebook({ DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'notebook.sqlite') });
    await runMigrations(input); // the migrate step; the app itself never migrates
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every HTTP request its own context, so handlers can use the injected EntityManager', async () => {
    app = await startApp(input);
    const created = await app.inject({ method: 'POST', url: '/notes', payload: { title: 'Hi', body: 'there', tags: ['x'] } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();

    const results = await Promise.all([1, 2, 3].map(() => app!.inject({ method: 'GET', url: `/notes/${id}` })));
    for (const res of results) {
      expect(res.statusCode).toBe(200);
      // One identity map per request: the repository and the EntityManager share it.
      expect(res.json()).toEqual({ title: 'Hi', tags: ['x'], sameInstance: true });
    }
  });

  it('without the request context the global EntityManager is refused (no allowGlobalContext)', async () => {
    app = await startApp(input, false);
    const res = await app.inject({ method: 'POST', url: '/notes', payload: { title: 'Hi', body: 'there' } });
    expect(res.statusCode).toBe(500);
  });

  it('reports readiness through PersistenceHealth.ping', async () => {
    app = await startApp(input);
    const res = await app.inject({ method: 'GET', url: '/notes/ready' });
    expect(res.json()).toEqual({ ok: true });
  });

  it('ping says why the database is unreachable, within its time limit', async () => {
    const orm = await initOrm(notebook({ DB_DRIVER: 'postgresql', DB_URL: 'postgres://postgres@127.0.0.1:1/none' }));
    try {
      const result = await new PersistenceHealth(orm).ping(3000);
      expect(result.ok).toBe(false);
      expect(result).toHaveProperty('reason', expect.any(String));
    } finally {
      await orm.close(true);
    }
  });
});
