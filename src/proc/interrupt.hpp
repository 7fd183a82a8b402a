#pragma once

namespace factory::proc {

// Installs SIGINT/SIGTERM handlers that only set a flag, so a running stage can be stopped
// and the run recorded as interrupted.
void install_interrupt_handler();

// Gives SIGINT/SIGTERM back what they did before install_interrupt_handler (normally: end the
// process; ignored in a script's background job), for commands that run no stage and have
// nothing to record: a filter like `factory extract` must stop on Ctrl-C at once.
void default_interrupt_handling();

// Whether Ctrl-C (SIGINT) or SIGTERM arrived since the handler was installed.
bool interrupt_requested();

}  // namespace factory::proc
