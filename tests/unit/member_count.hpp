// How many members an aggregate has, for the unit tests that fail when a
// struct gains a member its code does not name (case_fields_test.cpp,
// record_merge_test.cpp).
#pragma once

#include <cstddef>

#include "case_fields.hpp"

// How many members an aggregate has: the most initializers it takes, for
// the tests that fail when a struct gains a member its code does not name.
// (Not to std::optional, which converts from anything its value converts
// from: two ways would be ambiguous.) Outside any anonymous namespace:
// AnyMember's conversion is declared only, which clang refuses for a
// function of internal linkage.
namespace prevent::test_members {
struct AnyMember {
  template <class T>
    requires(!is_optional<T>::value)
  operator T() const;  // declared only: used in unevaluated contexts
};

template <class S, class... A>
constexpr size_t member_count() {
  if constexpr (requires { S{A{}..., AnyMember{}}; })
    return member_count<S, A..., AnyMember>();
  else
    return sizeof...(A);
}
}  // namespace prevent::test_members
