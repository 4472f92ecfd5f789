CREATE INDEX "checkout_requests_expires_at_idx" ON "checkout_requests" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "stripe_events_processed_at_idx" ON "stripe_events" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "sessions_expires_at_idx" ON "sessions" USING btree ("expires_at");