#!/bin/sh
# note.sh - notify/quorum script of tests/vm/checker.conf: appends its
# argument to /tmp/notes.
echo "$1" >>/tmp/notes
