//! The way back along every relation: a parent [`Related`] to the rows that name it. Each entity
//! declares only where its own foreign keys lead, so the entity modules never name each other in
//! a circle; these impls reverse those relations.

use sea_orm::{Related, RelationDef, RelationTrait};

use crate::{jobs, search_queries, user_profiles, video_scenes, video_stage_timings, videos};

impl Related<videos::Entity> for user_profiles::Entity {
    fn to() -> RelationDef {
        videos::Relation::Owner.def().rev()
    }
}

impl Related<search_queries::Entity> for user_profiles::Entity {
    fn to() -> RelationDef {
        search_queries::Relation::User.def().rev()
    }
}

impl Related<video_stage_timings::Entity> for videos::Entity {
    fn to() -> RelationDef {
        video_stage_timings::Relation::Video.def().rev()
    }
}

impl Related<video_scenes::Entity> for videos::Entity {
    fn to() -> RelationDef {
        video_scenes::Relation::Video.def().rev()
    }
}

impl Related<jobs::Entity> for videos::Entity {
    fn to() -> RelationDef {
        jobs::Relation::Video.def().rev()
    }
}

impl Related<search_queries::Entity> for videos::Entity {
    fn to() -> RelationDef {
        search_queries::Relation::Video.def().rev()
    }
}
