import { Module } from '@nestjs/common';
import { ChurnReport } from '../churn/churn-report';
import { CompositionReport } from '../composition/composition-report';
import { ContributionReport } from '../contribution/contribution-report';
import { RebuildController } from '../rebuild/rebuild.controller';
import { RebuildReports } from '../rebuild/rebuild-reports';
import { ServiceAnalysisReport } from '../service-analysis/service-analysis-report';
import { ReportExportsController } from './report-exports.controller';
import { ReportsController } from './reports.controller';

/** The four reports (requirements §4), their spreadsheets, and the rebuild of their aggregates. */
@Module({
  controllers: [ReportsController, ReportExportsController, RebuildController],
  providers: [ContributionReport, CompositionReport, ServiceAnalysisReport, ChurnReport, RebuildReports],
})
export class ReportsModule {}
