-- SQL Server DDL of the service-desk service, generated offline from its entities.
-- Do not edit: refresh with UPDATE_DDL_SNAPSHOTS=1 and the service's tests, then review the diff.

if (schema_id('service_desk') is null) begin exec ('create schema [service_desk] authorization [dbo]') end;
create table [service_desk].[customer_copy] ([customer_id] nvarchar(64) not null, [customer_no] nvarchar(20) not null, [name] nvarchar(100) not null, [manager_id] nvarchar(64) not null, [manager_name] nvarchar(100) not null, [region] nvarchar(50) null, [level] nvarchar(50) null, [credit] int null, [satisfaction] int null, [status] nvarchar(10) not null, [source_version] int not null, [updated_at] datetime2 not null, constraint [customer_copy_pkey] primary key ([customer_id]));
create unique index [customer_copy_no_unique] on [service_desk].[customer_copy] ([customer_no]);
create index [customer_copy_manager_idx] on [service_desk].[customer_copy] ([manager_id], [status]);

create table [service_desk].[dictionary_copy] ([item_id] nvarchar(64) not null, [category] nvarchar(100) not null, [item] nvarchar(200) not null, [value] nvarchar(200) not null, [editable] bit not null, [deleted] bit not null, [source_version] int not null, [updated_at] datetime2 not null, constraint [dictionary_copy_pkey] primary key ([item_id]));
create index [dictionary_copy_category_item_idx] on [service_desk].[dictionary_copy] ([category], [item]);

create table [service_desk].[inbox_message] ([consumer] nvarchar(200) not null, [event_id] nvarchar(200) not null, [event_type] nvarchar(200) not null, [processed_at] datetime2 not null, constraint [inbox_message_pkey] primary key ([consumer], [event_id]));

create table [service_desk].[job_lease] ([name] nvarchar(100) not null, [owner] nvarchar(100) not null, [until] datetime2 not null, constraint [job_lease_pkey] primary key ([name]));

create table [service_desk].[job_run] ([job] nvarchar(100) not null, [run_key] nvarchar(60) not null, [owner] nvarchar(100) not null, [attempts] int not null constraint [job_run_attempts_default] default 1, [started_at] datetime2 not null, [until] datetime2 not null, [finished_at] datetime2 null, [outcome] nvarchar(20) null, [detail] nvarchar(2000) null, constraint [job_run_pkey] primary key ([job], [run_key]));

create table [service_desk].[outbox_message] ([seq] bigint identity(1,1) not null constraint [outbox_message_pkey] primary key, [event_id] nvarchar(36) not null, [type] nvarchar(200) not null, [source] nvarchar(100) not null, [subject] nvarchar(100) null, [time] datetime2 not null, [data] nvarchar(max) not null, [headers] nvarchar(max) not null, [available_at] datetime2 not null, [sent_at] datetime2 null, [attempts] int not null, [last_error] nvarchar(1000) null, [lease_owner] nvarchar(100) null, [lease_until] datetime2 null);
create unique index [outbox_message_event_id_unique] on [service_desk].[outbox_message] ([event_id]);
create index [outbox_message_pending_idx] on [service_desk].[outbox_message] ([sent_at], [seq]);

create table [service_desk].[ticket] ([id] nvarchar(36) not null, [type] nvarchar(200) not null, [summary] nvarchar(200) not null, [customer_id] nvarchar(64) not null, [customer_no] nvarchar(20) not null, [customer_name] nvarchar(100) not null, [request] nvarchar(3000) not null, [status] nvarchar(10) not null, [created_by_id] nvarchar(64) not null, [created_by_name] nvarchar(100) not null, [created_at] datetime2 not null, [updated_at] datetime2 not null, [assignee_id] nvarchar(64) null, [assignee_name] nvarchar(100) null, [assigned_at] datetime2 null, [handling] nvarchar(3000) null, [handled_by_id] nvarchar(64) null, [handled_by_name] nvarchar(100) null, [handled_at] datetime2 null, [result] nvarchar(500) null, [satisfaction] int null, [archived_at] datetime2 null, [version] int not null constraint [ticket_version_default] default 1, constraint [ticket_pkey] primary key ([id]));
create index [ticket_assignee_idx] on [service_desk].[ticket] ([assignee_id], [created_at]);
create index [ticket_customer_idx] on [service_desk].[ticket] ([customer_id], [created_at]);
create index [ticket_status_created_idx] on [service_desk].[ticket] ([status], [created_at], [id]);
create index [ticket_created_idx] on [service_desk].[ticket] ([created_at], [id]);

create table [service_desk].[ticket_round] ([id] nvarchar(36) not null, [ticket_id] nvarchar(36) not null, [round_no] int not null, [handling] nvarchar(3000) not null, [handled_by_id] nvarchar(64) not null, [handled_by_name] nvarchar(100) not null, [handled_at] datetime2 not null, [result] nvarchar(500) null, [satisfaction] int null, [feedback_by_id] nvarchar(64) null, [feedback_by_name] nvarchar(100) null, [feedback_at] datetime2 null, constraint [ticket_round_pkey] primary key ([id]));
create unique index [ticket_round_unique] on [service_desk].[ticket_round] ([ticket_id], [round_no]);

create table [service_desk].[ticket_transition] ([id] nvarchar(36) not null, [ticket_id] nvarchar(36) not null, [seq] int not null, [action] nvarchar(10) not null, [at] datetime2 not null, [by_id] nvarchar(64) not null, [by_name] nvarchar(100) not null, [assignee_id] nvarchar(64) null, [assignee_name] nvarchar(100) null, [round] int null, [result] nvarchar(500) null, [satisfaction] int null, constraint [ticket_transition_pkey] primary key ([id]));
create unique index [ticket_transition_unique] on [service_desk].[ticket_transition] ([ticket_id], [seq]);

alter table [service_desk].[ticket_round] add constraint [ticket_round_ticket_id_foreign] foreign key ([ticket_id]) references [service_desk].[ticket] ([id]);

alter table [service_desk].[ticket_transition] add constraint [ticket_transition_ticket_id_foreign] foreign key ([ticket_id]) references [service_desk].[ticket] ([id]);
