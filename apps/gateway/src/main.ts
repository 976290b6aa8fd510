import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JsonLogger } from '@crm/observability';
import { configureHttp, createFastifyAdapter } from '@crm/service-kit/http';
import { AppModule } from './app.module';
import { gatewayConfig } from './config/gateway.config';
import { OpenApiAggregator } from './docs/openapi-aggregator';

async function bootstrap(): Promise<void> {
  const config = gatewayConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createFastifyAdapter(), { bufferLogs: true });
  configureHttp(app);
  app.enableCors({
    origin: config.env.CORS_ORIGINS,
    allowedHeaders: ['authorization', 'content-type', 'x-correlation-id', 'if-match'],
    // content-disposition: the web console reads an export's file name.
    exposedHeaders: ['x-correlation-id', 'retry-after', 'location', 'etag', 'content-disposition'],
    maxAge: 600,
  });

  // The whole API's documentation: the gateway's own routes merged with every service's document.
  const own = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CRM API')
      .setDescription('B2B CRM public HTTP API. Authenticate with a Keycloak access token (realm crm).')
      .setVersion('1')
      .setLicense('Proprietary', 'https://crm.example.com/terms')
      .addServer(config.env.PUBLIC_URL ?? '/', 'this gateway')
      .addBearerAuth()
      // Every operation needs a token unless it says otherwise (health: security []).
      .addSecurityRequirements('bearer')
      .build(),
  );
  const aggregator = app.get(OpenApiAggregator);
  SwaggerModule.setup('api/docs', app, own, {
    jsonDocumentUrl: 'api/docs-json',
    patchDocumentOnRequest: () => aggregator.document(own),
  });

  await app.listen({ port: config.env.HTTP_PORT, host: config.env.HTTP_HOST });
  app.get(JsonLogger).log(`gateway listening on http://${config.env.HTTP_HOST}:${config.env.HTTP_PORT}`, 'Bootstrap');
}

bootstrap().catch((error: Error) => {
  process.stderr.write(JSON.stringify({ level: 'error', service: 'gateway', msg: `failed to start: ${error.stack ?? error.message}` }) + '\n');
  process.exit(1);
});
