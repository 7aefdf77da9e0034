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

  private Names() {}
}
