-- Tokens outgrow an int in a minute's bucket.
ALTER TABLE "rate_limit_counts" ALTER COLUMN "requests" SET DATA TYPE bigint;