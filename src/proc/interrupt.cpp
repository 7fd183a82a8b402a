#include "proc/interrupt.hpp"

#include <csignal>

namespace factory::proc {

namespace {

// Written only from the signal handler; a plain flag is all a handler may safely touch.
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int /*signal*/) {
  g_interrupted = 1;
}

// What SIGINT and SIGTERM did before the handler (zero: SIG_DFL); ignored in a script's
// background job.
struct sigaction g_before_int {};
struct sigaction g_before_term {};

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking poll() must wake up and notice the flag
  sigaction(SIGINT, &action, &g_before_int);
  sigaction(SIGTERM, &action, &g_before_term);
}

void default_interrupt_handling() {
  sigaction(SIGINT, &g_before_int, nullptr);
  sigaction(SIGTERM, &g_before_term, nullptr);
}

bool interrupt_requested() {
  return g_interrupted != 0;
}

}  // namespace factory::proc
