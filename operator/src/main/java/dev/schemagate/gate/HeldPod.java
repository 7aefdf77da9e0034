package dev.schemagate.gate;

/** A pod of the target that the admission policy gated at creation: not scheduled, never run. */
public record HeldPod(String name, String image) {}
