package calc

import "testing"

// A passing test that logs: go test -v prints its t.Log line like a failure's t.Error line.
func TestAddLogs(t *testing.T) {
	t.Logf("Add(1, 1) = %d", Add(1, 1))
}
