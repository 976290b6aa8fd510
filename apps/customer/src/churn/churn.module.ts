import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { ChurnRecordsController } from './churn-records.controller';
import { ChurnRecordsService } from './churn-records.service';
import { ChurnScan } from './churn-scan';
import { ChurnScanSchedule } from './churn-scan.job';
import { Clock, SystemClock } from './clock';
import { CloseOnReorder } from './close-on-reorder';

/** Churn (requirements §2.5): the Saturday warning scan, measures and confirmation, and the warning a reorder closes. */
@Module({
  imports: [CustomersModule],
  controllers: [ChurnRecordsController],
  providers: [ChurnRecordsService, ChurnScan, ChurnScanSchedule, CloseOnReorder, { provide: Clock, useClass: SystemClock }],
  exports: [CloseOnReorder, Clock],
})
export class ChurnModule {}
