-- SQL Server DDL of the sales-bridge service, generated offline from its entities.
-- Do not edit: refresh with UPDATE_DDL_SNAPSHOTS=1 and the service's tests, then review the diff.

if (schema_id('sales_bridge') is null) begin exec ('create schema [sales_bridge] authorization [dbo]') end;
create table [sales_bridge].[customer_copy] ([customer_id] nvarchar(64) not null, [customer_no] nvarchar(20) not null, [name] nvarchar(100) not null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [region] nvarchar(50) null, [level] nvarchar(50) null, [credit] int null, [satisfaction] int null, [status] nvarchar(10) not null, [source_version] int not null, [updated_at] datetime2 not null, constraint [customer_copy_pkey] primary key ([customer_id]));
create unique index [customer_copy_no_unique] on [sales_bridge].[customer_copy] ([customer_no]);
create index [customer_copy_manager_idx] on [sales_bridge].[customer_copy] ([manager_id], [status]);

create table [sales_bridge].[inbox_message] ([consumer] nvarchar(200) not null, [event_id] nvarchar(200) not null, [event_type] nvarchar(200) not null, [processed_at] datetime2 not null, constraint [inbox_message_pkey] primary key ([consumer], [event_id]));

create table [sales_bridge].[job_lease] ([name] nvarchar(100) not null, [owner] nvarchar(100) not null, [until] datetime2 not null, constraint [job_lease_pkey] primary key ([name]));

create table [sales_bridge].[job_run] ([job] nvarchar(100) not null, [run_key] nvarchar(60) not null, [owner] nvarchar(100) not null, [attempts] int not null constraint [job_run_attempts_default] default 1, [started_at] datetime2 not null, [until] datetime2 not null, [finished_at] datetime2 null, [outcome] nvarchar(20) null, [detail] nvarchar(2000) null, constraint [job_run_pkey] primary key ([job], [run_key]));

create table [sales_bridge].[order_snapshot] ([order_id] int not null, [customer_no] nvarchar(20) not null, [order_date] date not null, [status_code] int not null, [live] bit not null, [digest] nvarchar(40) not null, [version] int not null, [seen_at] datetime2 not null, constraint [order_snapshot_pkey] primary key ([order_id]));
create index [order_snapshot_live_idx] on [sales_bridge].[order_snapshot] ([live], [order_id]);

create table [sales_bridge].[outbox_message] ([seq] bigint identity(1,1) not null constraint [outbox_message_pkey] primary key, [event_id] nvarchar(36) not null, [type] nvarchar(200) not null, [source] nvarchar(100) not null, [subject] nvarchar(100) null, [time] datetime2 not null, [data] nvarchar(max) not null, [headers] nvarchar(max) not null, [available_at] datetime2 not null, [sent_at] datetime2 null, [attempts] int not null, [last_error] nvarchar(1000) null, [lease_owner] nvarchar(100) null, [lease_until] datetime2 null);
create unique index [outbox_message_event_id_unique] on [sales_bridge].[outbox_message] ([event_id]);
create index [outbox_message_pending_idx] on [sales_bridge].[outbox_message] ([sent_at], [seq]);

create table [sales_bridge].[order_sync_cursor] ([name] nvarchar(20) not null, [position] int not null constraint [order_sync_cursor_position_default] default 0, [passes] int not null constraint [order_sync_cursor_passes_default] default 0, [updated_at] datetime2 not null, constraint [order_sync_cursor_pkey] primary key ([name]));
