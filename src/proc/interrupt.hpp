#pragma once

namespace factory::proc {

// Installs SIGINT/SIGTERM handlers that only set a flag, so a running stage can be stopped
// and the run recorded as interrupted.
void install_interrupt_handler();

// Whether Ctrl-C (SIGINT) or SIGTERM arrived since the handler was installed.
bool interrupt_requested();

}  // namespace factory::proc
