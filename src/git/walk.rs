//! The first-parent walk: each commit of the current branch, oldest first,
//! with the tree of `content/services` it holds.

use std::sync::Arc;

use gix::ObjectId;

use super::Commit;

/// One commit of the walk.
pub(crate) struct Step {
    pub commit: Arc<Commit>,
    /// The `content/services` tree, when the commit has one.
    pub services: Option<ObjectId>,
}

/// The commits from `tip` back along first parents, oldest first.
pub(crate) fn first_parent(
    repo: &gix::Repository,
    tip: ObjectId,
    services_path: &str,
) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut next = Some(tip);
    while let Some(id) = next {
        let commit = repo
            .find_commit(id)
            .map_err(|e| format!("cannot read commit {id}: {e}"))?;
        let services = commit
            .tree()
            .ok()
            .and_then(|tree| tree.lookup_entry_by_path(services_path).ok().flatten())
            .filter(|entry| entry.mode().is_tree())
            .map(|entry| entry.object_id());
        next = commit.parent_ids().next().map(|p| p.detach());
        steps.push(Step {
            commit: Arc::new(info_of(&commit)?),
            services,
        });
    }
    steps.reverse();
    Ok(steps)
}

/// The commit `id` as the trail names it.
pub(crate) fn commit_info(repo: &gix::Repository, id: ObjectId) -> Result<Commit, String> {
    let commit = repo
        .find_commit(id)
        .map_err(|e| format!("cannot read commit {id}: {e}"))?;
    info_of(&commit)
}

fn info_of(commit: &gix::Commit<'_>) -> Result<Commit, String> {
    let id = commit.id;
    let seconds = commit
        .time()
        .map_err(|e| format!("commit {id} has no readable date: {e}"))?
        .seconds;
    let date = jiff::Timestamp::from_second(seconds)
        .map_err(|e| format!("commit {id}: {e}"))?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let author = commit
        .author()
        .map(|a| a.name.to_string().trim().to_string())
        .unwrap_or_default();
    Ok(Commit {
        id: id.to_string(),
        date,
        author,
    })
}
