# Warnings for our own targets (devenv_set_warnings) and sanitizers for everything.
add_library(devenv_warnings INTERFACE)
target_compile_options(devenv_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  # -Wnull-dereference is left out: at -O3 GCC 12 reports it inside Boost.Asio's scheduler (inlined system
  # headers), which only made release builds noisy.
  # GCC 12 reports coroutine frames (Asio awaitables) as mismatched new/delete under sanitizers: a known
  # false positive (GCC bug 109224), not a property of our code.
  -Wno-mismatched-new-delete)
if(DEVENV_WERROR)
  target_compile_options(devenv_warnings INTERFACE -Werror)
endif()

if(DEVENV_SANITIZE)
  add_compile_options(-fsanitize=${DEVENV_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DEVENV_SANITIZE})
  if(DEVENV_SANITIZE MATCHES "thread")
    # TSan does not model atomic_thread_fence (GCC warns -Wtsan for every Asio handler): Asio's fenced blocks
    # are redundant with the scheduler's mutex, which TSan does see, so the tsan build leaves them out.
    add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  endif()
endif()
