ALTER TABLE "stripe_events" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "event_created" integer;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "stripe_events_pending_idx" ON "stripe_events" USING btree ("next_attempt_at") WHERE "stripe_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "stripe_events_pending_subject_idx" ON "stripe_events" USING btree ("subject") WHERE "stripe_events"."processed_at" is null;