#include "cli.hpp"

int main(int argc, char** argv) { return prevent::cli::main(argc, argv); }
