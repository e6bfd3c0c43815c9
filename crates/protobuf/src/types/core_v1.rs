use k8s_pb::api::core::v1::*;

use crate::json::messages;

messages! {
    Namespace { metadata, spec, status }
    ConfigMap { metadata, #[always] immutable, data, binary_data }
    Secret { metadata, #[always] immutable, data, string_data, r#type }
    ServiceAccount {
        metadata, secrets, image_pull_secrets, #[always] automount_service_account_token
    }
    Service { metadata, spec, status }
    Pod { metadata, spec, status }
    Endpoints { metadata, subsets }
    Event {
        metadata, involved_object, reason, message, source, first_timestamp, last_timestamp, count,
        r#type, event_time, series, action, related, reporting_component, reporting_instance
    }
    Node { metadata, spec, status }
    PersistentVolumeClaim { metadata, spec, status }
    ResourceQuota { metadata, spec, status }
    ReplicationController { metadata, spec, status }
    PodTemplate { metadata, template }
    LimitRange { metadata, spec }
    NamespaceSpec { finalizers }
    NamespaceStatus { phase, conditions }
    ObjectReference { kind, namespace, name, uid, api_version, resource_version, field_path }
    LocalObjectReference { name }
    ServiceSpec {
        ports, selector, cluster_ip = "clusterIP", cluster_ips = "clusterIPs", r#type,
        external_ips = "externalIPs", session_affinity, load_balancer_ip = "loadBalancerIP",
        load_balancer_source_ranges, external_name, external_traffic_policy, health_check_node_port,
        publish_not_ready_addresses, session_affinity_config, ip_families,
        #[always] ip_family_policy, #[always] allocate_load_balancer_node_ports,
        #[always] load_balancer_class, #[always] internal_traffic_policy,
        #[always] traffic_distribution
    }
    ServiceStatus { load_balancer, conditions }
    PodSpec {
        volumes, init_containers, #[always] containers, ephemeral_containers, restart_policy,
        #[always] termination_grace_period_seconds, #[always] active_deadline_seconds, dns_policy,
        node_selector, service_account_name, service_account,
        #[always] automount_service_account_token, node_name, host_network, host_pid = "hostPID",
        host_ipc = "hostIPC", #[always] share_process_namespace, security_context,
        image_pull_secrets, hostname, subdomain, affinity, scheduler_name, tolerations,
        host_aliases, priority_class_name, #[always] priority, dns_config, readiness_gates,
        #[always] runtime_class_name, #[always] enable_service_links, #[always] preemption_policy,
        overhead, topology_spread_constraints, #[always] set_hostname_as_fqdn = "setHostnameAsFQDN",
        os, #[always] host_users, scheduling_gates, resource_claims, resources,
        #[always] hostname_override, #[skip] workload_ref
    }
    PodStatus {
        observed_generation, phase, conditions, message, reason, nominated_node_name,
        host_ip = "hostIP", host_ips = "hostIPs", pod_ip = "podIP", pod_ips = "podIPs", start_time,
        init_container_statuses, container_statuses, qos_class, ephemeral_container_statuses,
        resize, resource_claim_statuses, extended_resource_claim_status, allocated_resources,
        resources
    }
    EndpointSubset { addresses, not_ready_addresses, ports }
    EventSource { component, host }
    EventSeries { count, last_observed_time }
    NodeSpec {
        pod_cidr = "podCIDR", pod_cid_rs = "podCIDRs", provider_id = "providerID", unschedulable,
        taints, config_source, external_id = "externalID"
    }
    NodeStatus {
        capacity, allocatable, phase, conditions, addresses, daemon_endpoints, node_info, images,
        volumes_in_use, volumes_attached, config, runtime_handlers, features, declared_features
    }
    PersistentVolumeClaimSpec {
        access_modes, selector, resources, volume_name, #[always] storage_class_name,
        #[always] volume_mode, data_source, data_source_ref, #[always] volume_attributes_class_name
    }
    PersistentVolumeClaimStatus {
        phase, access_modes, capacity, conditions, allocated_resources, allocated_resource_statuses,
        #[always] current_volume_attributes_class_name, modify_volume_status
    }
    ResourceQuotaSpec { hard, scopes, scope_selector }
    ResourceQuotaStatus { hard, used }
    ReplicationControllerSpec { #[always] replicas, min_ready_seconds, selector, template }
    ReplicationControllerStatus {
        #[always] replicas, fully_labeled_replicas, ready_replicas, available_replicas,
        observed_generation, conditions
    }
    PodTemplateSpec { metadata, spec }
    LimitRangeSpec { #[always] limits }
    NamespaceCondition { #[always] r#type, #[always] status, last_transition_time, reason, message }
    ServicePort { name, protocol, #[always] app_protocol, #[always] port, target_port, node_port }
    SessionAffinityConfig { client_ip = "clientIP" }
    LoadBalancerStatus { ingress }
    Volume { #[always] name, #[inline] volume_source }
    Container {
        #[always] name, image, command, args, working_dir, ports, env_from, env, resources,
        resize_policy, #[always] restart_policy, restart_policy_rules, volume_mounts,
        volume_devices, liveness_probe, readiness_probe, startup_probe, lifecycle,
        termination_message_path, termination_message_policy, image_pull_policy, security_context,
        stdin, stdin_once, tty
    }
    EphemeralContainer { #[inline] ephemeral_container_common, target_container_name }
    PodSecurityContext {
        se_linux_options, windows_options, #[always] run_as_user, #[always] run_as_group,
        #[always] run_as_non_root, supplemental_groups, #[always] supplemental_groups_policy,
        #[always] fs_group, sysctls, #[always] fs_group_change_policy, seccomp_profile,
        app_armor_profile, #[always] se_linux_change_policy
    }
    Affinity { node_affinity, pod_affinity, pod_anti_affinity }
    Toleration { key, operator, value, effect, #[always] toleration_seconds }
    HostAlias { #[always] ip, hostnames }
    PodDnsConfig { nameservers, searches, options }
    PodReadinessGate { #[always] condition_type }
    TopologySpreadConstraint {
        #[always] max_skew, #[always] topology_key, #[always] when_unsatisfiable, label_selector,
        #[always] min_domains, #[always] node_affinity_policy, #[always] node_taints_policy,
        match_label_keys
    }
    PodOs { #[always] name }
    PodSchedulingGate { #[always] name }
    PodResourceClaim {
        #[always] name, #[always] resource_claim_name, #[always] resource_claim_template_name
    }
    ResourceRequirements { limits, requests, claims }
    PodCondition {
        #[always] r#type, observed_generation, #[always] status, last_probe_time,
        last_transition_time, reason, message
    }
    HostIp { #[always] ip }
    PodIp { #[always] ip }
    ContainerStatus {
        #[always] name, state, last_state, #[always] ready, #[always] restart_count,
        #[always] image, #[always] image_id = "imageID", container_id = "containerID",
        #[always] started, allocated_resources, resources, volume_mounts, user,
        allocated_resources_status, #[always] stop_signal
    }
    PodResourceClaimStatus { #[always] name, #[always] resource_claim_name }
    PodExtendedResourceClaimStatus { #[always] request_mappings, #[always] resource_claim_name }
    EndpointAddress { #[always] ip, hostname, #[always] node_name, target_ref }
    EndpointPort { name, #[always] port, protocol, #[always] app_protocol }
    Taint { #[always] key, value, #[always] effect, time_added }
    NodeConfigSource { config_map }
    NodeCondition {
        #[always] r#type, #[always] status, last_heartbeat_time, last_transition_time, reason,
        message
    }
    NodeAddress { #[always] r#type, #[always] address }
    NodeDaemonEndpoints { kubelet_endpoint }
    NodeSystemInfo {
        #[always] machine_id = "machineID", #[always] system_uuid = "systemUUID",
        #[always] boot_id = "bootID", #[always] kernel_version, #[always] os_image,
        #[always] container_runtime_version, #[always] kubelet_version,
        #[always] kube_proxy_version, #[always] operating_system, #[always] architecture, swap
    }
    ContainerImage { names, size_bytes }
    AttachedVolume { #[always] name, #[always] device_path }
    NodeConfigStatus { assigned, active, last_known_good, error }
    NodeRuntimeHandler { name, features }
    NodeFeatures { #[always] supplemental_groups_policy }
    VolumeResourceRequirements { limits, requests }
    TypedLocalObjectReference { #[always] api_group, #[always] kind, #[always] name }
    TypedObjectReference {
        #[always] api_group, #[always] kind, #[always] name, #[always] namespace
    }
    PersistentVolumeClaimCondition {
        #[always] r#type, #[always] status, last_probe_time, last_transition_time, reason, message
    }
    ModifyVolumeStatus { target_volume_attributes_class_name, #[always] status }
    ScopeSelector { match_expressions }
    ReplicationControllerCondition {
        #[always] r#type, #[always] status, last_transition_time, reason, message
    }
    LimitRangeItem { #[always] r#type, max, min, default, default_request, max_limit_request_ratio }
    ClientIpConfig { #[always] timeout_seconds }
    LoadBalancerIngress { ip, hostname, #[always] ip_mode, ports }
    VolumeSource {
        host_path, empty_dir, gce_persistent_disk, aws_elastic_block_store, git_repo, secret, nfs,
        iscsi, glusterfs, persistent_volume_claim, rbd, flex_volume, cinder, cephfs, flocker,
        downward_api = "downwardAPI", fc, azure_file, config_map, vsphere_volume, quobyte, azure_disk,
        photon_persistent_disk, projected, portworx_volume, scale_io = "scaleIO", storageos, csi, ephemeral,
        image
    }
    ContainerPort { name, host_port, #[always] container_port, protocol, host_ip = "hostIP" }
    EnvFromSource { prefix, config_map_ref, secret_ref }
    EnvVar { #[always] name, value, value_from }
    ContainerResizePolicy { #[always] resource_name, #[always] restart_policy }
    ContainerRestartRule { #[always] action, exit_codes }
    VolumeMount {
        #[always] name, read_only, #[always] recursive_read_only, #[always] mount_path, sub_path,
        #[always] mount_propagation, sub_path_expr
    }
    VolumeDevice { #[always] name, #[always] device_path }
    Probe {
        #[inline] handler, initial_delay_seconds, timeout_seconds, period_seconds,
        success_threshold, failure_threshold, #[always] termination_grace_period_seconds
    }
    Lifecycle { post_start, pre_stop, #[always] stop_signal }
    SecurityContext {
        capabilities, #[always] privileged, se_linux_options, windows_options,
        #[always] run_as_user, #[always] run_as_group, #[always] run_as_non_root,
        #[always] read_only_root_filesystem, #[always] allow_privilege_escalation,
        #[always] proc_mount, seccomp_profile, app_armor_profile
    }
    EphemeralContainerCommon {
        #[always] name, image, command, args, working_dir, ports, env_from, env, resources, resize_policy,
        #[always] restart_policy, restart_policy_rules, volume_mounts, volume_devices, liveness_probe,
        readiness_probe, startup_probe, lifecycle, termination_message_path,
        termination_message_policy, image_pull_policy, security_context, stdin, stdin_once, tty
    }
    SeLinuxOptions { user, role, r#type, level }
    WindowsSecurityContextOptions {
        #[always] gmsa_credential_spec_name, #[always] gmsa_credential_spec,
        #[always] run_as_user_name, #[always] host_process
    }
    Sysctl { #[always] name, #[always] value }
    SeccompProfile { #[always] r#type, #[always] localhost_profile }
    AppArmorProfile { #[always] r#type, #[always] localhost_profile }
    NodeAffinity {
        required_during_scheduling_ignored_during_execution,
        preferred_during_scheduling_ignored_during_execution
    }
    PodAffinity {
        required_during_scheduling_ignored_during_execution,
        preferred_during_scheduling_ignored_during_execution
    }
    PodAntiAffinity {
        required_during_scheduling_ignored_during_execution,
        preferred_during_scheduling_ignored_during_execution
    }
    PodDnsConfigOption { name, #[always] value }
    ResourceClaim { #[always] name, request }
    ContainerState { waiting, running, terminated }
    VolumeMountStatus {
        #[always] name, #[always] mount_path, read_only, #[always] recursive_read_only
    }
    ContainerUser { linux }
    ResourceStatus { #[always] name, resources }
    ContainerExtendedResourceRequest {
        #[always] container_name, #[always] resource_name, #[always] request_name
    }
    ConfigMapNodeConfigSource {
        #[always] namespace, #[always] name, uid, resource_version, #[always] kubelet_config_key
    }
    DaemonEndpoint { #[always] port = "Port" }
    NodeSwapStatus { #[always] capacity }
    NodeRuntimeHandlerFeatures { #[always] recursive_read_only_mounts, #[always] user_namespaces }
    ScopedResourceSelectorRequirement { #[always] scope_name, #[always] operator, values }
    PortStatus { #[always] port, #[always] protocol, #[always] error }
    HostPathVolumeSource { #[always] path, #[always] r#type }
    EmptyDirVolumeSource { medium, size_limit }
    GcePersistentDiskVolumeSource { #[always] pd_name, fs_type, partition, read_only }
    AwsElasticBlockStoreVolumeSource {
        #[always] volume_id = "volumeID", fs_type, partition, read_only
    }
    GitRepoVolumeSource { #[always] repository, revision, directory }
    SecretVolumeSource { secret_name, items, #[always] default_mode, #[always] optional }
    NfsVolumeSource { #[always] server, #[always] path, read_only }
    IscsiVolumeSource {
        #[always] target_portal, #[always] iqn, #[always] lun, iscsi_interface, fs_type, read_only,
        portals, chap_auth_discovery, chap_auth_session, secret_ref, #[always] initiator_name
    }
    GlusterfsVolumeSource { #[always] endpoints, #[always] path, read_only }
    PersistentVolumeClaimVolumeSource { #[always] claim_name, read_only }
    RbdVolumeSource {
        #[always] monitors, #[always] image, fs_type, pool, user, keyring, secret_ref, read_only
    }
    FlexVolumeSource { #[always] driver, fs_type, secret_ref, read_only, options }
    CinderVolumeSource { #[always] volume_id = "volumeID", fs_type, read_only, secret_ref }
    CephFsVolumeSource { #[always] monitors, path, user, secret_file, secret_ref, read_only }
    FlockerVolumeSource { dataset_name, dataset_uuid = "datasetUUID" }
    DownwardAPIVolumeSource { items, #[always] default_mode }
    FcVolumeSource { target_ww_ns = "targetWWNs", #[always] lun, fs_type, read_only, wwids }
    AzureFileVolumeSource { #[always] secret_name, #[always] share_name, read_only }
    ConfigMapVolumeSource {
        #[inline] local_object_reference, items, #[always] default_mode, #[always] optional
    }
    VsphereVirtualDiskVolumeSource {
        #[always] volume_path, fs_type, storage_policy_name, storage_policy_id = "storagePolicyID"
    }
    QuobyteVolumeSource { #[always] registry, #[always] volume, read_only, user, group, tenant }
    AzureDiskVolumeSource {
        #[always] disk_name, #[always] disk_uri = "diskURI", #[always] caching_mode,
        #[always] fs_type, #[always] read_only, #[always] kind
    }
    PhotonPersistentDiskVolumeSource { #[always] pd_id = "pdID", fs_type }
    ProjectedVolumeSource { sources, #[always] default_mode }
    PortworxVolumeSource { #[always] volume_id = "volumeID", fs_type, read_only }
    ScaleIoVolumeSource {
        #[always] gateway, #[always] system, secret_ref, ssl_enabled, protection_domain,
        storage_pool, storage_mode, volume_name, fs_type, read_only
    }
    StorageOsVolumeSource { volume_name, volume_namespace, fs_type, read_only, secret_ref }
    CSIVolumeSource {
        #[always] driver, #[always] read_only, #[always] fs_type, volume_attributes,
        node_publish_secret_ref
    }
    EphemeralVolumeSource { volume_claim_template }
    ImageVolumeSource { reference, pull_policy }
    ConfigMapEnvSource { #[inline] local_object_reference, #[always] optional }
    SecretEnvSource { #[inline] local_object_reference, #[always] optional }
    EnvVarSource { field_ref, resource_field_ref, config_map_key_ref, secret_key_ref, file_key_ref }
    ContainerRestartRuleOnExitCodes { #[always] operator, values }
    ProbeHandler { exec, http_get, tcp_socket, grpc }
    LifecycleHandler { exec, http_get, tcp_socket, sleep }
    Capabilities { add, drop }
    NodeSelector { #[always] node_selector_terms }
    PreferredSchedulingTerm { #[always] weight, preference }
    PodAffinityTerm {
        label_selector, namespaces, #[always] topology_key, namespace_selector, match_label_keys,
        mismatch_label_keys
    }
    WeightedPodAffinityTerm { #[always] weight, pod_affinity_term }
    ContainerStateWaiting { reason, message }
    ContainerStateRunning { started_at }
    ContainerStateTerminated {
        #[always] exit_code, signal, reason, message, started_at, finished_at,
        container_id = "containerID"
    }
    LinuxContainerUser { #[always] uid, #[always] gid, supplemental_groups }
    ResourceHealth { #[always] resource_id = "resourceID", health }
    KeyToPath { #[always] key, #[always] path, #[always] mode }
    DownwardAPIVolumeFile { #[always] path, field_ref, resource_field_ref, #[always] mode }
    VolumeProjection {
        secret, downward_api = "downwardAPI", config_map, service_account_token,
        cluster_trust_bundle, pod_certificate
    }
    PersistentVolumeClaimTemplate { metadata, spec }
    ObjectFieldSelector { api_version, #[always] field_path }
    ResourceFieldSelector { container_name, #[always] resource, divisor }
    ConfigMapKeySelector { #[inline] local_object_reference, #[always] key, #[always] optional }
    SecretKeySelector { #[inline] local_object_reference, #[always] key, #[always] optional }
    FileKeySelector { #[always] volume_name, #[always] path, #[always] key, #[always] optional }
    ExecAction { command }
    HttpGetAction { path, port, host, scheme, http_headers }
    TcpSocketAction { port, host }
    GrpcAction { #[always] port, #[always] service }
    SleepAction { #[always] seconds }
    NodeSelectorTerm { match_expressions, match_fields }
    SecretProjection { #[inline] local_object_reference, items, #[always] optional }
    DownwardAPIProjection { items }
    ConfigMapProjection { #[inline] local_object_reference, items, #[always] optional }
    ServiceAccountTokenProjection { audience, #[always] expiration_seconds, #[always] path }
    ClusterTrustBundleProjection {
        #[always] name, #[always] signer_name, label_selector, #[always] optional, #[always] path
    }
    PodCertificateProjection {
        #[always] signer_name, #[always] key_type, #[always] max_expiration_seconds,
        credential_bundle_path, key_path, certificate_chain_path, user_annotations
    }
    HttpHeader { #[always] name, #[always] value }
    NodeSelectorRequirement { #[always] key, #[always] operator, values }
}
