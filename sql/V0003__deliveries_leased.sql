-- Exporters claim due deliveries and those whose sender's lease ran out; the second kind had no index, so every poll
-- of every exporter read the whole (never pruned) deliveries table.
create index deliveries_leased on deliveries (lease_expires_at) where state = 'sending';
