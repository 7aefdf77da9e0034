package dev.schemagate.api;

/** CEL rules shared by the name fields of the spec. */
final class Names {
  static final String DNS_LABEL_RULE =
      "self.size() <= 63 && self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')";
  static final String DNS_LABEL_MESSAGE =
      "must be a DNS label: at most 63 lower-case letters, digits and '-', starting and ending with"
          + " a letter or digit";
  static final String DNS_SUBDOMAIN_RULE =
      "self.size() <= 253 &&"
          + " self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')";
  static final String DNS_SUBDOMAIN_MESSAGE =
      "must be a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters";

  /**
   * An image reference as container runtimes parse it: [host[:port]/]path[:tag][@digest], the path
   * in lower case. Anything else (control characters, Unicode, upper case) would make a Job whose
   * pod never pulls, and a migration that never ends. (No IPv6 registry hosts.)
   */
  static final String IMAGE_RULE =
      "self.matches('^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*"
          + "(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*"
          + "(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?"
          + "(@[a-z][a-z0-9]*([-_+.][a-z][a-z0-9]*)*:[a-fA-F0-9]{32,})?$')";

  static final String IMAGE_MESSAGE =
      "command.image must be an image reference such as registry.example.com/team/app:1.2 or"
          + " app@sha256:<digest>";

  private Names() {}
}
