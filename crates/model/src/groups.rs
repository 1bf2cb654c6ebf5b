//! Built-in groups of institutions, written as facts (checked against ROR).

/// One member of a built-in group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinMember {
    /// Bare ROR id.
    pub ror: &'static str,
    pub name: &'static str,
    /// ISO 3166-1 alpha-2 code of the member's country.
    pub country: &'static str,
    /// First year of membership, when the member joined after the group was formed.
    pub since: Option<i32>,
}

const fn member(ror: &'static str, name: &'static str, since: Option<i32>) -> BuiltinMember {
    BuiltinMember {
        ror,
        name,
        country: "GB",
        since,
    }
}

/// The Russell Group: 24 UK research-intensive universities. Durham, Exeter, Queen Mary and York joined in 2012.
pub const RUSSELL_GROUP: &[BuiltinMember] = &[
    member("03angcq70", "University of Birmingham", None),
    member("0524sp257", "University of Bristol", None),
    member("013meh722", "University of Cambridge", None),
    member("03kk7td41", "Cardiff University", None),
    member("01v29qb04", "Durham University", Some(2012)),
    member("01nrxwf90", "University of Edinburgh", None),
    member("03yghzc09", "University of Exeter", Some(2012)),
    member("00vtgdb53", "University of Glasgow", None),
    member("041kmwe10", "Imperial College London", None),
    member("0220mzb33", "King's College London", None),
    member("024mrxd33", "University of Leeds", None),
    member("04xs57h96", "University of Liverpool", None),
    member(
        "0090zs177",
        "London School of Economics and Political Science",
        None,
    ),
    member("027m9bs27", "University of Manchester", None),
    member("01kj2bm70", "Newcastle University", None),
    member("01ee9ar58", "University of Nottingham", None),
    member("052gg0110", "University of Oxford", None),
    member("026zzn846", "Queen Mary University of London", Some(2012)),
    member("00hswnk62", "Queen's University Belfast", None),
    member("05krs5044", "University of Sheffield", None),
    member("01ryk1543", "University of Southampton", None),
    member("02jx3x895", "University College London", None),
    member("01a77tt86", "University of Warwick", None),
    member("04m01e293", "University of York", Some(2012)),
];

/// Built-in groups by the name users type.
pub const BUILTIN_GROUPS: &[(&str, &str, &[BuiltinMember])] =
    &[("russell-group", "Russell Group", RUSSELL_GROUP)];
