#!/bin/sh
# fifo-reader.sh FIFO - lvs_notify_fifo_script of the VM reload test:
# append each line of the FIFO to /tmp/fifo.out.
while read -r line; do
	echo "$line" >>/tmp/fifo.out
done <"$1"
