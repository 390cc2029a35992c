-- ContinualSegment node schema, version 1.
-- Forward-only: a released migration is never edited (the node checks each applied file's checksum);
-- a change is a new file V0002__... . Applied by the node at start-up under an advisory lock.

-- What was received -------------------------------------------------------------------------------

create table patients (
    id              bigint generated always as identity primary key,
    patient_id      text not null,                 -- (0010,0020); may be empty
    issuer          text not null default '',      -- (0010,0021)
    patient_name    text not null default '',      -- (0010,0010); never written to logs
    birth_date      text not null default '',
    sex             text not null default '',
    created_at      timestamptz not null,
    unique (patient_id, issuer)
);

create table studies (
    id                  bigint generated always as identity primary key,
    study_instance_uid  text not null unique,
    patient_ref         bigint not null references patients (id),
    accession_number    text not null default '',
    study_date          text not null default '',
    study_description   text not null default '',
    created_at          timestamptz not null
);

-- A series is 'receiving' while instances arrive, 'complete' after its quiet period, then 'queued'
-- (a job was made), 'unmatched' (no routing rule took it), 'rejected' (a rule refused it: reason kept) or
-- 'ignored' (it grew after completion and the growth policy says to record, not re-run).
create table series (
    id                  bigint generated always as identity primary key,
    series_instance_uid text not null unique,
    study_ref           bigint not null references studies (id),
    modality            text not null default '',
    body_part           text not null default '',
    series_description  text not null default '',
    slice_thickness     double precision,
    calling_ae          text not null,
    called_ae           text not null,
    state               text not null default 'receiving'
                        check (state in ('receiving', 'complete', 'queued', 'unmatched', 'rejected', 'ignored')),
    state_reason        text not null default '',
    instance_count      integer not null default 0,
    content_version     integer not null default 0,   -- bumped when instances arrive after completion
    first_received_at   timestamptz not null,
    last_received_at    timestamptz not null,
    completed_at        timestamptz
);
create index series_receiving on series (last_received_at) where state = 'receiving';

create table instances (
    id                  bigint generated always as identity primary key,
    sop_instance_uid    text not null unique,
    sop_class_uid       text not null,
    series_ref          bigint not null references series (id),
    transfer_syntax_uid text not null,
    relative_path       text not null,               -- under Storage:Root
    size_bytes          bigint not null,
    processable         boolean not null,            -- CT/Enhanced CT: segmented; other storage classes: kept only
    calling_ae          text not null,
    received_at         timestamptz not null
);
create index instances_series on instances (series_ref);

-- Work ----------------------------------------------------------------------------------------------

-- One segmentation job per series content version. Claimed with FOR UPDATE SKIP LOCKED, held by a lease
-- that the worker's heartbeat extends; an expired lease puts the job back ('queued') or, after its last
-- attempt, into the dead letter ('dead') with the reason.
create table jobs (
    id                  bigint generated always as identity primary key,
    series_ref          bigint not null references series (id),
    content_version     integer not null,
    route               text not null,
    decoders            text[] not null default '{}',   -- empty: every enabled decoder
    outputs             text[] not null,
    destinations        text[] not null,
    state               text not null default 'queued'
                        check (state in ('queued', 'running', 'succeeded', 'failed', 'dead')),
    priority            integer not null default 0,
    attempts            integer not null default 0,
    max_attempts        integer not null,
    not_before          timestamptz not null,
    lease_owner         text,
    lease_expires_at    timestamptz,
    heartbeat_at        timestamptz,
    created_at          timestamptz not null,
    started_at          timestamptz,
    finished_at         timestamptz,
    last_error          text not null default '',
    result              jsonb,
    unique (series_ref, content_version)
);
create index jobs_claimable on jobs (priority desc, id) where state = 'queued';
create index jobs_leased on jobs (lease_expires_at) where state = 'running';

-- Timeline of a job: one row per stage (queued, claimed, inference, writing, delivered ...).
create table job_events (
    id          bigint generated always as identity primary key,
    job_ref     bigint not null references jobs (id),
    at          timestamptz not null,
    stage       text not null,
    detail      text not null default ''
);
create index job_events_job on job_events (job_ref, id);

-- One delivery per job and destination. The SOP Instance UIDs are fixed when the results are made, so
-- every retry sends the same instances.
create table deliveries (
    id                  bigint generated always as identity primary key,
    job_ref             bigint not null references jobs (id),
    destination         text not null,
    state               text not null default 'pending'
                        check (state in ('pending', 'sending', 'delivered', 'dead')),
    attempts            integer not null default 0,
    next_attempt_at     timestamptz not null,
    lease_owner         text,
    lease_expires_at    timestamptz,
    last_error          text not null default '',
    created_at          timestamptz not null,
    delivered_at        timestamptz,
    unique (job_ref, destination)
);
create index deliveries_due on deliveries (next_attempt_at) where state = 'pending';

create table result_files (
    id                  bigint generated always as identity primary key,
    job_ref             bigint not null references jobs (id),
    kind                text not null check (kind in ('seg', 'rtstruct', 'labels', 'preview', 'report')),
    sop_instance_uid    text,
    sop_class_uid       text,
    relative_path       text not null,
    size_bytes          bigint not null,
    unique (job_ref, kind)
);

create table worklist_items (
    id                          bigint generated always as identity primary key,
    source                      text not null,
    accession_number            text not null default '',
    study_instance_uid          text not null default '',
    requested_procedure_id      text not null default '',
    scheduled_station_ae        text not null default '',
    scheduled_start             timestamptz,
    modality                    text not null default '',
    procedure_description       text not null default '',
    patient_id                  text not null default '',
    state                       text not null default 'scheduled',
    fetched_at                  timestamptz not null,
    unique (source, accession_number, requested_procedure_id)
);

-- What happened -------------------------------------------------------------------------------------

create table decoder_events (
    id          bigint generated always as identity primary key,
    at          timestamptz not null,
    decoder_id  text not null,
    action      text not null check (action in ('installed', 'enabled', 'disabled', 'removed', 'exported')),
    actor       text not null,
    detail      text not null default ''
);

-- Every association, stored instance, job state change and delivery attempt; written in the same
-- transaction as the change it records.
create table audit_events (
    id          bigint generated always as identity primary key,
    at          timestamptz not null,
    actor       text not null,          -- calling AE title, node process, or administrator
    action      text not null,          -- e.g. association.accepted, instance.stored, job.claimed
    outcome     text not null check (outcome in ('success', 'failure', 'warning')),
    object_type text not null default '',
    object_id   text not null default '',
    calling_ae  text not null default '',
    called_ae   text not null default '',
    peer        text not null default '',
    study_instance_uid text not null default '',
    detail      text not null default ''
);
create index audit_events_at on audit_events (at);
create index audit_events_study on audit_events (study_instance_uid) where study_instance_uid <> '';
