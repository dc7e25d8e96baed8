#include "failure.hpp"

namespace prevent {

int precedence(Exit code) {
  switch (code) {
    case Exit::usage: return 0;
    case Exit::invalid_data: return 1;
    case Exit::not_found: return 2;
    case Exit::refused: return 3;
    case Exit::store: return 4;
    case Exit::bug: return 5;
    case Exit::ok: return 6;
  }
  return 5;
}

}  // namespace prevent
