import { type DynamicModule, type InjectionToken, Module, type OptionalFactoryDependency, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { HEALTH_MODULE_OPTIONS, type HealthModuleOptions } from './health.types';

export interface HealthModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest's own factory signature
  useFactory: (...args: any[]) => HealthModuleOptions | Promise<HealthModuleOptions>;
  decorators?: ClassDecorator[];
}

function controllerWith(decorators: ClassDecorator[] | undefined): Type {
  if (!decorators?.length) return HealthController;
  // A subclass per module instance, so decorating it never changes the exported controller.
  class DecoratedHealthController extends HealthController {}
  for (const decorate of decorators) decorate(DecoratedHealthController);
  return DecoratedHealthController;
}

/**
 * GET /health/live and GET /health/ready, public, backed by @nestjs/terminus. Global, so any
 * module can inject HealthRegistry and add its readiness check. Needs ObservabilityModule (or
 * any provider of ShutdownCoordinator) for the 503 during shutdown.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [controllerWith(options.decorators)],
      providers: [{ provide: HEALTH_MODULE_OPTIONS, useValue: options }, HealthRegistry],
      exports: [HealthRegistry],
    };
  }

  /** For checks that need injected dependencies, e.g. `inject: [MikroORM]`. */
  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      imports: [...(options.imports ?? []), TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [controllerWith(options.decorators)],
      providers: [
        { provide: HEALTH_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        HealthRegistry,
      ],
      exports: [HealthRegistry],
    };
  }
}
