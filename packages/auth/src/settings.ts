/** What the operator decides about accounts; the server fills it from its configuration. */
export interface AuthSettings {
  /** The web app's origin (PUBLIC_URL): the links in account mails open pages there. */
  appUrl: string;
}

declare module '@subkit/core' {
  interface FeatureSettings {
    auth: AuthSettings;
  }
}
