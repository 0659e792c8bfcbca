"""The investigation loop: reasoner, executor and recorder, yielding a stream of events."""
