fn main() { shenbao_core::hello(); }
