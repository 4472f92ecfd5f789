/** Request counts, keyed like `"POST /v1/checkout/sessions"` or `"GET /v1/prices/:id"`. */
export class RequestStats {
  private total = 0;
  private byEndpoint: Record<string, number> = {};

  record(key: string): void {
    this.total++;
    this.byEndpoint[key] = (this.byEndpoint[key] ?? 0) + 1;
  }

  snapshot(): { requests: number; byEndpoint: Record<string, number> } {
    return { requests: this.total, byEndpoint: { ...this.byEndpoint } };
  }

  reset(): void {
    this.total = 0;
    this.byEndpoint = {};
  }
}
