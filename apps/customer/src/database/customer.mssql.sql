-- SQL Server DDL of the customer service, generated offline from its entities.
-- Do not edit: refresh with UPDATE_DDL_SNAPSHOTS=1 and the service's tests, then review the diff.

if (schema_id('customer') is null) begin exec ('create schema [customer] authorization [dbo]') end;
create table [customer].[activity] ([id] nvarchar(36) not null, [customer_id] nvarchar(36) not null, [date] nvarchar(10) not null, [place] nvarchar(100) not null, [summary] nvarchar(200) not null, [details] nvarchar(2000) not null, [memo] nvarchar(300) null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(100) not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [version] int not null constraint [activity_version_default] default 1, constraint [activity_pkey] primary key ([id]));
create index [activity_customer_date_idx] on [customer].[activity] ([customer_id], [date], [created_at]);

create table [customer].[churn_record] ([id] nvarchar(36) not null, [customer_id] nvarchar(36) not null, [customer_no] nvarchar(20) not null, [customer_name] nvarchar(100) not null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [last_order_date] date null, [warned_at] datetime2 not null, [status] nvarchar(10) not null, [open_key] nvarchar(36) not null, [reason] nvarchar(500) null, [confirmed_at] datetime2 null, [closed_at] datetime2 null, [closed_by_order_no] nvarchar(50) null, [updated_at] datetime2 not null, [version] int not null constraint [churn_record_version_default] default 1, constraint [churn_record_pkey] primary key ([id]));
create unique index [churn_record_open_key_unique] on [customer].[churn_record] ([open_key]);
create index [churn_record_customer_idx] on [customer].[churn_record] ([customer_id], [warned_at]);
create index [churn_record_status_warned_idx] on [customer].[churn_record] ([status], [warned_at], [id]);
create index [churn_record_warned_idx] on [customer].[churn_record] ([warned_at], [id]);

create table [customer].[churn_measure] ([id] nvarchar(36) not null, [record_id] nvarchar(36) not null, [measure] nvarchar(500) not null, [at] datetime2 not null, [by_id] nvarchar(64) not null, [by_name] nvarchar(100) not null, constraint [churn_measure_pkey] primary key ([id]));
create index [churn_measure_record_idx] on [customer].[churn_measure] ([record_id], [at]);

create table [customer].[contact] ([id] nvarchar(36) not null, [customer_id] nvarchar(36) not null, [name] nvarchar(50) not null, [gender] nvarchar(6) null, [position] nvarchar(50) null, [office_phone] nvarchar(50) null, [mobile] nvarchar(50) null, [memo] nvarchar(300) null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [version] int not null constraint [contact_version_default] default 1, constraint [contact_pkey] primary key ([id]));
create index [contact_customer_idx] on [customer].[contact] ([customer_id], [created_at]);

create table [customer].[customer] ([id] nvarchar(36) not null, [customer_no] nvarchar(20) not null, [name] nvarchar(100) not null, [region] nvarchar(50) null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [level] nvarchar(50) null, [satisfaction] int null, [credit] int null, [address] nvarchar(200) null, [zip] nvarchar(10) null, [phone] nvarchar(50) null, [fax] nvarchar(50) null, [website] nvarchar(200) null, [licence_no] nvarchar(50) null, [legal_person] nvarchar(50) null, [registered_capital] int null, [annual_turnover] int null, [bank] nvarchar(100) null, [bank_account] nvarchar(50) null, [local_tax_no] nvarchar(50) null, [national_tax_no] nvarchar(50) null, [status] nvarchar(10) not null, [source_opportunity_id] nvarchar(36) null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(100) not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [deleted_at] datetime2 null, [version] int not null constraint [customer_version_default] default 1, constraint [customer_pkey] primary key ([id]));
create unique index [customer_no_unique] on [customer].[customer] ([customer_no]);
create index [customer_licence_idx] on [customer].[customer] ([licence_no]);
create index [customer_name_idx] on [customer].[customer] ([name], [status], [created_at], [id]);
create index [customer_level_created_idx] on [customer].[customer] ([level], [created_at], [status], [region]);
create index [customer_region_created_idx] on [customer].[customer] ([region], [created_at], [status], [level]);
create index [customer_manager_created_idx] on [customer].[customer] ([manager_id], [created_at], [status]);
create index [customer_status_created_idx] on [customer].[customer] ([status], [created_at]);
create index [customer_created_idx] on [customer].[customer] ([created_at], [id]);

create table [customer].[customer_number_seq] ([day] nvarchar(8) not null, [last_number] int not null, constraint [customer_number_seq_pkey] primary key ([day]));

create table [customer].[customer_order_activity] ([customer_no] nvarchar(20) not null, [last_order_date] date not null, [last_order_no] nvarchar(50) not null, [updated_at] datetime2 not null, constraint [customer_order_activity_pkey] primary key ([customer_no]));

create table [customer].[customer_origin] ([opportunity_id] nvarchar(36) not null, [customer_id] nvarchar(36) not null, [created_at] datetime2 not null, constraint [customer_origin_pkey] primary key ([opportunity_id]));

create table [customer].[dictionary_item] ([id] nvarchar(36) not null, [category] nvarchar(50) not null, [item] nvarchar(50) not null, [value] nvarchar(50) not null, [editable] bit not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [version] int not null constraint [dictionary_item_version_default] default 1, constraint [dictionary_item_pkey] primary key ([id]));
create index [dictionary_item_category_idx] on [customer].[dictionary_item] ([category], [value]);
create unique index [dictionary_item_category_item_unique] on [customer].[dictionary_item] ([category], [item]);

create table [customer].[dictionary_tombstone] ([item_id] nvarchar(36) not null, [category] nvarchar(50) not null, [item] nvarchar(50) not null, [value] nvarchar(50) not null, [version] int not null, [deleted_at] datetime2 not null, constraint [dictionary_tombstone_pkey] primary key ([item_id]));

create table [customer].[import_job] ([id] nvarchar(36) not null, [kind] nvarchar(50) not null, [status] nvarchar(20) not null, [mode] nvarchar(20) not null, [file_name] nvarchar(255) not null, [file_size] int not null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(200) not null, [created_at] datetime2 not null, [started_at] datetime2 null, [finished_at] datetime2 null, [rows_read] int not null, [rows_imported] int not null, [counts] nvarchar(max) not null, [report] nvarchar(max) null, [error] nvarchar(max) null, [owner] nvarchar(100) not null, [heartbeat_at] datetime2 not null, constraint [import_job_pkey] primary key ([id]));
create index [import_job_kind_created_at_index] on [customer].[import_job] ([kind], [created_at]);

create table [customer].[inbox_message] ([consumer] nvarchar(200) not null, [event_id] nvarchar(200) not null, [event_type] nvarchar(200) not null, [processed_at] datetime2 not null, constraint [inbox_message_pkey] primary key ([consumer], [event_id]));

create table [customer].[job_lease] ([name] nvarchar(100) not null, [owner] nvarchar(100) not null, [until] datetime2 not null, constraint [job_lease_pkey] primary key ([name]));

create table [customer].[job_run] ([job] nvarchar(100) not null, [run_key] nvarchar(60) not null, [owner] nvarchar(100) not null, [attempts] int not null constraint [job_run_attempts_default] default 1, [started_at] datetime2 not null, [until] datetime2 not null, [finished_at] datetime2 null, [outcome] nvarchar(20) null, [detail] nvarchar(2000) null, constraint [job_run_pkey] primary key ([job], [run_key]));

create table [customer].[outbox_message] ([seq] bigint identity(1,1) not null constraint [outbox_message_pkey] primary key, [event_id] nvarchar(36) not null, [type] nvarchar(200) not null, [source] nvarchar(100) not null, [subject] nvarchar(100) null, [time] datetime2 not null, [data] nvarchar(max) not null, [headers] nvarchar(max) not null, [available_at] datetime2 not null, [sent_at] datetime2 null, [attempts] int not null, [last_error] nvarchar(1000) null, [lease_owner] nvarchar(100) null, [lease_until] datetime2 null);
create unique index [outbox_message_event_id_unique] on [customer].[outbox_message] ([event_id]);
create index [outbox_message_pending_idx] on [customer].[outbox_message] ([sent_at], [seq]);

alter table [customer].[churn_measure] add constraint [churn_measure_record_id_foreign] foreign key ([record_id]) references [customer].[churn_record] ([id]);
