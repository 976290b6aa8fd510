-- SQL Server DDL of the reporting service, generated offline from its entities.
-- Do not edit: refresh with UPDATE_DDL_SNAPSHOTS=1 and the service's tests, then review the diff.

if (schema_id('reporting') is null) begin exec ('create schema [reporting] authorization [dbo]') end;
create table [reporting].[churn_fact] ([churn_id] nvarchar(64) not null, [source_version] int not null, [customer_id] nvarchar(64) not null, [customer_no] nvarchar(20) not null, [customer_name] nvarchar(100) not null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [last_order_date] date null, [warned_at] datetime2 not null, [status] nvarchar(10) not null, [measures] nvarchar(max) not null, [reason] nvarchar(max) null, [confirmed_at] datetime2 null, constraint [churn_fact_pkey] primary key ([churn_id]));
create index [churn_fact_confirmed_idx] on [reporting].[churn_fact] ([status], [confirmed_at], [churn_id]);

create table [reporting].[customer_composition] ([dimension] nvarchar(20) not null, [item] nvarchar(50) not null, [customers] int not null, constraint [customer_composition_pkey] primary key ([dimension], [item]));

create table [reporting].[customer_contribution] ([customer_no] nvarchar(20) not null, [year] int not null, [total_cents] bigint not null, [order_count] int not null, constraint [customer_contribution_pkey] primary key ([customer_no], [year]));
create index [customer_contribution_rank_idx] on [reporting].[customer_contribution] ([year] asc, [total_cents] desc, [customer_no] asc);

create table [reporting].[customer_fact] ([customer_id] nvarchar(64) not null, [source_version] int not null, [customer_no] nvarchar(20) not null, [name] nvarchar(100) not null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [level] nvarchar(50) null, [credit] int null, [satisfaction] int null, [status] nvarchar(10) not null, constraint [customer_fact_pkey] primary key ([customer_id]));
create unique index [customer_fact_no_unique] on [reporting].[customer_fact] ([customer_no]);

create table [reporting].[inbox_message] ([consumer] nvarchar(200) not null, [event_id] nvarchar(200) not null, [event_type] nvarchar(200) not null, [processed_at] datetime2 not null, constraint [inbox_message_pkey] primary key ([consumer], [event_id]));

create table [reporting].[job_lease] ([name] nvarchar(100) not null, [owner] nvarchar(100) not null, [until] datetime2 not null, constraint [job_lease_pkey] primary key ([name]));

create table [reporting].[job_run] ([job] nvarchar(100) not null, [run_key] nvarchar(60) not null, [owner] nvarchar(100) not null, [attempts] int not null constraint [job_run_attempts_default] default 1, [started_at] datetime2 not null, [until] datetime2 not null, [finished_at] datetime2 null, [outcome] nvarchar(20) null, [detail] nvarchar(2000) null, constraint [job_run_pkey] primary key ([job], [run_key]));

create table [reporting].[order_fact] ([order_id] nvarchar(64) not null, [source_version] int not null, [customer_no] nvarchar(20) not null, [order_year] int not null, [status] nvarchar(10) not null, [amount_cents] bigint not null, [counted] bit not null, constraint [order_fact_pkey] primary key ([order_id]));

create table [reporting].[outbox_message] ([seq] bigint identity(1,1) not null constraint [outbox_message_pkey] primary key, [event_id] nvarchar(36) not null, [type] nvarchar(200) not null, [source] nvarchar(100) not null, [subject] nvarchar(100) null, [time] datetime2 not null, [data] nvarchar(max) not null, [headers] nvarchar(max) not null, [available_at] datetime2 not null, [sent_at] datetime2 null, [attempts] int not null, [last_error] nvarchar(1000) null, [lease_owner] nvarchar(100) null, [lease_until] datetime2 null);
create unique index [outbox_message_event_id_unique] on [reporting].[outbox_message] ([event_id]);
create index [outbox_message_pending_idx] on [reporting].[outbox_message] ([sent_at], [seq]);

create table [reporting].[service_count] ([year] int not null, [type] nvarchar(50) not null, [tickets] int not null, constraint [service_count_pkey] primary key ([year], [type]));

create table [reporting].[ticket_fact] ([ticket_id] nvarchar(64) not null, [source_version] int not null, [type] nvarchar(50) not null, [created_year] int not null, [status] nvarchar(10) not null, constraint [ticket_fact_pkey] primary key ([ticket_id]));
