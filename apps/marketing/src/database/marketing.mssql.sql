-- SQL Server DDL of the marketing service, generated offline from its entities.
-- Do not edit: refresh with UPDATE_DDL_SNAPSHOTS=1 and the service's tests, then review the diff.

if (schema_id('marketing') is null) begin exec ('create schema [marketing] authorization [dbo]') end;
create table [marketing].[inbox_message] ([consumer] nvarchar(200) not null, [event_id] nvarchar(200) not null, [event_type] nvarchar(200) not null, [processed_at] datetime2 not null, constraint [inbox_message_pkey] primary key ([consumer], [event_id]));

create table [marketing].[job_lease] ([name] nvarchar(100) not null, [owner] nvarchar(100) not null, [until] datetime2 not null, constraint [job_lease_pkey] primary key ([name]));

create table [marketing].[job_run] ([job] nvarchar(100) not null, [run_key] nvarchar(60) not null, [owner] nvarchar(100) not null, [attempts] int not null constraint [job_run_attempts_default] default 1, [started_at] datetime2 not null, [until] datetime2 not null, [finished_at] datetime2 null, [outcome] nvarchar(20) null, [detail] nvarchar(2000) null, constraint [job_run_pkey] primary key ([job], [run_key]));

create table [marketing].[opportunity] ([id] nvarchar(36) not null, [source] nvarchar(100) null, [customer_name] nvarchar(100) not null, [success_rate] int not null, [summary] nvarchar(200) not null, [contact] nvarchar(50) null, [contact_phone] nvarchar(50) null, [description] nvarchar(2000) not null, [status] nvarchar(20) not null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(100) not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [assignee_id] nvarchar(64) null, [assignee_name] nvarchar(100) null, [assigned_at] datetime2 null, [assigned_by_id] nvarchar(64) null, [assigned_by_name] nvarchar(100) null, [decided_at] datetime2 null, [version] int not null constraint [opportunity_version_default] default 1, constraint [opportunity_pkey] primary key ([id]));
create index [opportunity_assignee_idx] on [marketing].[opportunity] ([assignee_id], [created_at], [status], [created_by_id]);
create index [opportunity_creator_created_idx] on [marketing].[opportunity] ([created_by_id], [created_at], [status]);
create index [opportunity_status_created_idx] on [marketing].[opportunity] ([status], [created_at]);
create index [opportunity_created_idx] on [marketing].[opportunity] ([created_at], [id]);

create table [marketing].[outbox_message] ([seq] bigint identity(1,1) not null constraint [outbox_message_pkey] primary key, [event_id] nvarchar(36) not null, [type] nvarchar(200) not null, [source] nvarchar(100) not null, [subject] nvarchar(100) null, [time] datetime2 not null, [data] nvarchar(max) not null, [headers] nvarchar(max) not null, [available_at] datetime2 not null, [sent_at] datetime2 null, [attempts] int not null, [last_error] nvarchar(1000) null, [lease_owner] nvarchar(100) null, [lease_until] datetime2 null);
create unique index [outbox_message_event_id_unique] on [marketing].[outbox_message] ([event_id]);
create index [outbox_message_pending_idx] on [marketing].[outbox_message] ([sent_at], [seq]);

create table [marketing].[plan_item] ([id] nvarchar(36) not null, [opportunity_id] nvarchar(36) not null, [date] date not null, [todo] nvarchar(500) not null, [result] nvarchar(500) null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(100) not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, constraint [plan_item_pkey] primary key ([id]));
create index [plan_item_opportunity_date_idx] on [marketing].[plan_item] ([opportunity_id], [date]);

alter table [marketing].[plan_item] add constraint [plan_item_opportunity_id_foreign] foreign key ([opportunity_id]) references [marketing].[opportunity] ([id]);
