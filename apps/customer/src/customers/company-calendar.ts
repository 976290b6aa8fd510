import { DynamicModule, Global, Module } from '@nestjs/common';

/** Injection token: the company's IANA time zone (COMPANY_TIME_ZONE), e.g. Asia/Shanghai. */
export const COMPANY_TIME_ZONE = Symbol('COMPANY_TIME_ZONE');

/** The company's calendar for every feature (customer numbers' dates, later scheduled jobs). */
@Global()
@Module({})
export class CompanyCalendarModule {
  static forRoot(timeZone: string): DynamicModule {
    return { module: CompanyCalendarModule, providers: [{ provide: COMPANY_TIME_ZONE, useValue: timeZone }], exports: [COMPANY_TIME_ZONE] };
  }
}
