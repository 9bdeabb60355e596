package spy

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// CheckPrivileges returns a *PrivilegeError (matching ErrNoPrivilege)
// naming the capabilities that Open needs and the calling thread lacks in
// its effective set: CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN stands in for
// both, as the kernel allows). Open calls it first; callers can use it to
// decide whether to offer the spy at all.
func CheckPrivileges() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	has := func(c int) bool { return data[c/32].Effective&(1<<(uint(c)%32)) != 0 }
	admin := has(unix.CAP_SYS_ADMIN)
	var missing []string
	if !has(unix.CAP_BPF) && !admin {
		missing = append(missing, "CAP_BPF")
	}
	if !has(unix.CAP_PERFMON) && !admin {
		missing = append(missing, "CAP_PERFMON")
	}
	if missing != nil {
		return &PrivilegeError{Missing: missing}
	}
	return nil
}
