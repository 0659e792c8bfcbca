"""The TUI's screens: the case, the file picker, and the modal dialogs."""
