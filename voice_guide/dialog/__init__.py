"""The dialog manager: a pure state machine, events in, actions out."""
