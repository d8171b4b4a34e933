//! Small handbooks for the unit tests of the page modules.

use jiff::civil::Date;

use crate::config::Config;
use crate::model::{
    Category, Concept, ConceptLink, Handbook, Level, Question, Risk, RiskStatus, Service, Slo,
};
use crate::source::Place;

pub(crate) fn date(s: &str) -> Date {
    s.parse().expect("a test date")
}

pub(crate) fn question(id: &str, category: &str) -> Question {
    Question {
        id: id.into(),
        category: category.into(),
        title: format!("Question {id}?"),
        level: Level::Required,
        applies: vec![],
        tiers: vec![],
        concepts: vec![],
        since: None,
        retired: None,
        origin: None,
        revised: None,
        guidance_html: format!("<p>guidance of {id}</p>"),
        place: Place::default(),
    }
}

pub(crate) fn category(id: &str) -> Category {
    Category {
        id: id.into(),
        title: format!("Category {id}"),
        order: 0,
        asks: String::new(),
        intro_html: String::new(),
        source: String::new(),
    }
}

pub(crate) fn concept(id: &str, links: &[(&str, &str)]) -> Concept {
    Concept {
        id: id.into(),
        title: format!("Concept {id}"),
        group: "g".into(),
        links: links
            .iter()
            .map(|(to, label)| ConceptLink {
                to: to.to_string(),
                label: label.to_string(),
            })
            .collect(),
        html: String::new(),
        source: String::new(),
    }
}

pub(crate) fn risk(id: &str, severity: u8, likelihood: u8, status: RiskStatus) -> Risk {
    Risk {
        id: id.into(),
        title: format!("Risk {id}"),
        impact: None,
        severity,
        likelihood,
        status,
        mitigations: vec![],
    }
}

pub(crate) fn service(name: &str, risks: Vec<Risk>) -> Service {
    Service {
        name: name.into(),
        title: format!("Service {name}"),
        owner: "team".into(),
        tier: 1,
        tags: vec![],
        summary: String::new(),
        slo: Slo {
            availability: None,
            latency_p99_ms: None,
        },
        oncall: None,
        dependencies: vec![],
        answers: Default::default(),
        risks,
        reviews: vec![],
        prose_html: None,
        source: format!("content/services/{name}.yaml"),
    }
}

/// A handbook of these parts, indexed as `resolve` would.
pub(crate) fn handbook(
    categories: Vec<Category>,
    questions: Vec<Question>,
    concepts: Vec<Concept>,
    mut services: Vec<Service>,
) -> Handbook {
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let question_index = Handbook::index_questions(&questions);
    Handbook {
        config: Config::default(),
        base_url: "/hb/".into(),
        categories,
        questions,
        question_index,
        concepts,
        services: services.into_iter().map(std::sync::Arc::new).collect(),
        ..Default::default()
    }
}
