// The pod sandbox's "pause" process: it holds the pod's namespaces open, reaps children when
// the pod shares one PID namespace (it is PID 1 there), and exits cleanly on SIGINT/SIGTERM.
// Built static (CGO off) so its image holds this one file (scripts/k8s/images.sh).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
