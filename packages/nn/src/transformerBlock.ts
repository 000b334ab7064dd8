// Issue 19: this module's layers are being written (see the issue); it exports nothing yet.
export {}
