//! Alongside's matching engine: which peer supporter for which person.
//!
//! What belongs here: the candidate graph built from people's preferences
//! and supporters' profiles, the hard constraints that remove a pair, the
//! scoring of the pairs that remain, an exact assignment and the explanation
//! of every proposal and every person left unmatched. Pure: no database, no
//! clock, no I/O. The engine arrives with the matching capability; this crate
//! holds its place in the workspace so the boundary is visible from the start.
