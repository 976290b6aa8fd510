import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, ValidateNested } from 'class-validator';
import { DomainError } from '@crm/contracts';
import { createFastifyAdapter, createValidationPipe, PageQueryDto, ProblemDetailsFilter } from '../src';

class LineDto {
  @IsString() @IsNotEmpty() product!: string;
  @IsInt() @Max(1000) quantity!: number;
}
class OrderDto {
  @IsString() @IsNotEmpty() customer!: string;
  @ValidateNested({ each: true }) @Type(() => LineDto) lines!: LineDto[];
}

@Controller('things')
class ThingsController {
  @Post() create(@Body() dto: OrderDto) {
    return dto;
  }
  @Get('page') page(@Query() query: PageQueryDto) {
    return { page: query.page, pageSize: query.pageSize, offset: query.offset };
  }
  @Get('conflict') conflict() {
    throw new DomainError('THING.BUSY', 'conflict', 'The thing is busy.');
  }
  @Get('bug') bug() {
    throw new Error('database password is hunter2');
  }
}

@Module({
  controllers: [ThingsController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
class ThingsModule {}

describe('problem+json errors and validation', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ThingsModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const inject = (method: 'GET' | 'POST', url: string, payload?: string) =>
    app.inject({ method, url, payload, headers: payload ? { 'content-type': 'application/json' } : {} });

  it('lists every invalid field, nested ones by path, and rejects unknown properties', async () => {
    const response = await inject('POST', '/things', JSON.stringify({ customer: '', lines: [{ product: 'x', quantity: 5000 }], admin: true }));
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION.FAILED', title: 'Bad Request' });
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'customer', message: expect.any(String) },
        { field: 'lines[0].quantity', message: expect.any(String) },
        { field: 'admin', message: 'is not allowed' },
      ]),
    );
  });

  it('maps a domain error kind to its status and keeps its code', async () => {
    const response = await inject('GET', '/things/conflict');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'THING.BUSY', detail: 'The thing is busy.', instance: '/things/conflict' });
  });

  it('answers an unexpected error as 500 without leaking its message', async () => {
    const response = await inject('GET', '/things/bug');
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe('INTERNAL');
    expect(response.body).not.toContain('hunter2');
  });

  it('answers malformed JSON and unknown routes as problems', async () => {
    const malformed = await inject('POST', '/things', '{"customer": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const missing = await inject('GET', '/nowhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('HTTP.404');
  });

  it('pages with defaults, converts query strings, and bounds pageSize', async () => {
    expect((await inject('GET', '/things/page')).json()).toEqual({ page: 1, pageSize: 20, offset: 0 });
    expect((await inject('GET', '/things/page?page=3&pageSize=10')).json()).toEqual({ page: 3, pageSize: 10, offset: 20 });
    expect((await inject('GET', '/things/page?pageSize=101')).statusCode).toBe(400);
    expect((await inject('GET', '/things/page?page=0')).statusCode).toBe(400);
    expect((await inject('GET', '/things/page?page=1e20')).statusCode).toBe(400); // was a 500: offset out of range
  });
});
