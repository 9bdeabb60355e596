package capture

import (
	"os"
	"strings"
)

// Machine is what the wake-up cost of an idle reader depends on, read from
// /sys and /proc.
type Machine struct {
	// CPUIdleDriver and CPUIdleGovernor are the cpuidle driver ("none"
	// when the kernel has none: an idle vCPU halts at once) and governor.
	CPUIdleDriver   string `json:"cpuidle_driver"`
	CPUIdleGovernor string `json:"cpuidle_governor"`
	// Haltpoll: the haltpoll cpuidle driver is the current one (an idle
	// guest vCPU polls a while before it halts, which makes wake-ups
	// cheap).
	Haltpoll bool `json:"haltpoll"`
	// GuestHaltPollNs is the haltpoll module's guest_halt_poll_ns, empty
	// when the module is absent.
	GuestHaltPollNs string `json:"guest_halt_poll_ns,omitempty"`
	Clocksource     string `json:"clocksource"`
	// LoadBefore and LoadAfter are /proc/loadavg's 1, 5 and 15 minute
	// averages when the benchmark started and ended.
	LoadBefore string `json:"loadavg_before"`
	LoadAfter  string `json:"loadavg_after"`
}

// readSys returns the trimmed content of a /sys or /proc file, or "?" when
// it cannot be read.
func readSys(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// loadavg returns the three load averages of /proc/loadavg.
func loadavg() string {
	f := strings.Fields(readSys("/proc/loadavg"))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// readMachine reads the machine's state at the start of a run.
func readMachine() Machine {
	const idle = "/sys/devices/system/cpu/cpuidle/"
	m := Machine{
		CPUIdleDriver:   readSys(idle + "current_driver"),
		CPUIdleGovernor: readSys(idle + "current_governor"),
		Clocksource:     readSys("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
		LoadBefore:      loadavg(),
	}
	if m.CPUIdleGovernor == "?" {
		m.CPUIdleGovernor = readSys(idle + "current_governor_ro")
	}
	m.Haltpoll = m.CPUIdleDriver == "haltpoll"
	if v := readSys("/sys/module/haltpoll/parameters/guest_halt_poll_ns"); v != "?" {
		m.GuestHaltPollNs = v
	}
	return m
}
